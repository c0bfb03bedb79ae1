/**
 * Lark's event encryption (an app with an Encrypt Key gets `{"encrypt":"<base64>"}` bodies):
 * AES-256-CBC, key = sha256(encrypt key), the first 16 bytes of the base64-decoded data are the IV,
 * PKCS#7 padding. Same steps as @larksuiteoapi/node-sdk `utils/aes-cipher.ts` (AESCipher.decrypt).
 * Pure node:crypto: no SDK, no core module (tests/adapters/boundary.test.ts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const BLOCK = 16;

function keyOf(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}

/** Decrypts an `encrypt` field to the JSON text it carries. Throws on bad base64, length or padding. */
export function decryptLarkPayload(encrypt: string, encryptKey: string): string {
  const data = Buffer.from(encrypt, 'base64');
  // IV plus at least one block, whole blocks only: anything else is not Lark's output.
  if (data.length < 2 * BLOCK || data.length % BLOCK !== 0) {
    throw new Error(`encrypted payload has ${data.length} bytes, expected IV + whole AES blocks`);
  }
  const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), data.subarray(0, BLOCK));
  return Buffer.concat([decipher.update(data.subarray(BLOCK)), decipher.final()]).toString('utf8');
}

/** The inverse, for tests and stand-ins: what Lark would put in `encrypt` for `plain`. */
export function encryptLarkPayload(
  plain: string,
  encryptKey: string,
  iv: Buffer = randomBytes(BLOCK),
): string {
  if (iv.length !== BLOCK) throw new Error('IV must be 16 bytes');
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}
