// Bench baseline for section 6 (scripts/bench/images.mjs): plain createImageBitmap decoding in a
// worker. Not written yet.
export {};
