/** `Phase 12: Build the app`, or `Phase 12` when the phase has no title of its own (or only the default one). */
export function formatPhaseName(phaseId: number, title: string | undefined): string {
  const plain = `Phase ${phaseId}`;
  return title === undefined || title === '' || title === plain ? plain : `${plain}: ${title}`;
}
