export const packageName = '@kazuba/toon';
