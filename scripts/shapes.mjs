// The small picture set the comparisons upload (npm run small-images, npm run compare:defaults):
// three classes of simple objects (square, disc, triangle) at seeded places, sizes and colours.

/**
 * PNGs of the three classes, `n` each, drawn by the page's canvas (seeded, so every run sees the
 * same set): paths `shapes/<class>/<class>_<i>.png` and their bytes.
 */
export async function drawShapes(page, n) {
  return page.evaluate(async (count) => {
    let s = 12345;
    const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
    // Any hue; the object is light on a dark ground or dark on a light one, so that it stays
    // visible in grayscale (the default for uploaded pictures).
    const colour = (light) =>
      `hsl(${Math.floor(rand() * 360)}, ${40 + rand() * 60}%, ${light ? 65 + rand() * 25 : 10 + rand() * 25}%)`;
    const out = [];
    for (const shape of ['square', 'disc', 'triangle'])
      for (let i = 0; i < count; i++) {
        const c = new OffscreenCanvas(64, 64);
        const ctx = c.getContext('2d');
        const lightObject = rand() < 0.5;
        ctx.fillStyle = colour(!lightObject);
        ctx.fillRect(0, 0, 64, 64);
        ctx.fillStyle = colour(lightObject);
        const size = 14 + rand() * 22;
        const x = size / 2 + rand() * (64 - size);
        const y = size / 2 + rand() * (64 - size);
        ctx.beginPath();
        if (shape === 'square') ctx.rect(x - size / 2, y - size / 2, size, size);
        else if (shape === 'disc') ctx.arc(x, y, size / 2, 0, Math.PI * 2);
        else {
          ctx.moveTo(x, y - size / 2);
          ctx.lineTo(x + size / 2, y + size / 2);
          ctx.lineTo(x - size / 2, y + size / 2);
          ctx.closePath();
        }
        ctx.fill();
        const blob = await c.convertToBlob({ type: 'image/png' });
        out.push({
          path: `shapes/${shape}/${shape}_${i}.png`,
          bytes: Array.from(new Uint8Array(await blob.arrayBuffer())),
        });
      }
    return out;
  }, n);
}
