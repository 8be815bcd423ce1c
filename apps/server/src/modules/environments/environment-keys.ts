import { randomInt } from 'node:crypto';

/** shortuuid's alphabet (base57: no 0, 1, I, O, l), which Flagsmith's 22-character environment keys use. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function shortUuid(length = 22): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** A client-side environment key, e.g. `n9fbf9h3v4fFgH3U3ngWhb` (about 128 bits). */
export const newClientKey = () => shortUuid();
/** A server-side environment key: `ser.` + 22 characters. */
export const newServerKey = () => `ser.${shortUuid()}`;
