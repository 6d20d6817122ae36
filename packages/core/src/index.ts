import { packageName as toon } from '@kazuba/toon';
export const packageName = '@kazuba/core' + toon;
