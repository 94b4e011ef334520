// Section 6 of npm run bench: a zip of 20,000 small images. Not written yet.
export async function benchImages() {
  console.log('\n6. Image zip: not written yet');
}
