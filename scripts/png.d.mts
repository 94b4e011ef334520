export function encodePng(width: number, height: number, pixels: Uint8Array, channels?: 1 | 3): Buffer;
