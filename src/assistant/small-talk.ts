/** Messages with nothing to search for: greetings, thanks, "help". They get a friendly prompt. */
const GREETING =
  /^\s*(hi|hello|hey|yo|help|\?+|thanks?|thank you|ty|ok|okay|你好|您好|在吗|在不在|哈喽|嗨|帮助|谢谢|多谢|好的|嗯|hi there|good (morning|afternoon|evening))[\s!！。.?？~～]*$/i;

export function isSmallTalk(text: string): boolean {
  return GREETING.test(text.trim());
}
