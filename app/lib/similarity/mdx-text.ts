// A lesson's MDX as the text a learner reads, at the same offsets: markup that is not prose (front
// matter, code, JSX tags and expressions) is blanked with spaces rather than removed, so a passage
// found in it is a range of the stored lesson body. Markdown punctuation (#, *, |, >) needs no
// blanking: the normaliser drops it anyway. A link keeps its words and loses its target.

const NOT_PROSE = [/^---\n[\s\S]*?\n---\n/, /```[\s\S]*?```/g, /<\/?[A-Za-z][^<>]*\/?>/g, /\{[^{}]*\}/g, /!\[[^\]]*\]\([^)]*\)/g, /\]\([^)]*\)/g];

export function proseOfMdx(body: string): string {
  let text = body;
  for (const pattern of NOT_PROSE) {
    text = text.replace(pattern, (m) => m.replace(/[^\n]/g, " "));
  }
  return text;
}
