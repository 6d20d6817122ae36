export const packageName = '@kazuba/hypervisor-v2';
