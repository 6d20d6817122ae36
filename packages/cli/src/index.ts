export const packageName = '@kazuba/cli';
