export const packageName = '@kazuba/bridge';
