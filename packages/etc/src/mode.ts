/** "0644" / "644" / "4755" → number; undefined when it is not an octal permission. */
export function parseMode(mode: string): number | undefined {
  return /^0?[0-7]{3,4}$/.test(mode) ? parseInt(mode, 8) : undefined;
}
