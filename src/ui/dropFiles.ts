// Files from a drag-and-drop, folders included (walked with webkitGetAsEntry), with their paths
// relative to what was dropped, so that class folders survive.

async function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  // readEntries returns at most 100 entries per call.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return out;
    out.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, files: File[], paths: string[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    files.push(file);
    paths.push(entry.fullPath.replace(/^\//, ''));
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as FileSystemDirectoryEntry)) await walk(child, files, paths);
  }
}

export async function filesFromDrop(dt: DataTransfer): Promise<{ files: File[]; paths: string[] }> {
  const entries = Array.from(dt.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (!entries.length) {
    const files = Array.from(dt.files);
    return { files, paths: files.map((f) => f.name) };
  }
  const files: File[] = [];
  const paths: string[] = [];
  for (const e of entries) await walk(e, files, paths);
  return { files, paths };
}
