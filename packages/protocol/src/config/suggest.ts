/**
 * "Did you mean ...?" for config keys and asset ids: the closest known word,
 * or undefined when nothing is close enough to be a likely typo.
 */

/** Levenshtein distance between two strings (insert, delete, substitute cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const lastSegment = (id: string): string => id.slice(id.lastIndexOf('.') + 1);

/**
 * The candidate `word` most likely meant, comparing case-insensitively: the
 * same word in another case, then the same last dotted segment
 * (`Alexa.Gesture.SinglePush` -> `Alexa.Button.SinglePush`), then one whose
 * last segment starts with the word's (`Alexa.Button.Top` ->
 * `Alexa.Button.TopButton`), then the nearest by edit distance, allowing
 * about one edit per four characters (at least two).
 */
export function suggestClosest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates].filter((candidate) => candidate !== word);
  const lower = word.toLowerCase();
  const sameWord = list.find((candidate) => candidate.toLowerCase() === lower);
  if (sameWord !== undefined) return sameWord;

  const tail = lastSegment(lower);
  if (word.includes('.')) {
    const sameTail = list.find((candidate) => lastSegment(candidate.toLowerCase()) === tail);
    if (sameTail !== undefined) return sameTail;
  }

  if (tail.length >= 3) {
    const extended = list.find((candidate) => lastSegment(candidate.toLowerCase()).startsWith(tail));
    if (extended !== undefined) return extended;
  }

  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const candidate of list) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
