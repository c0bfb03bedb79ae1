/** Messages with nothing to search for: greetings, thanks, "help". They get a friendly prompt. */
const GREETING =
  /^\s*(hi|hello|hey|yo|help|\?+|thanks?|thank you|ty|ok|okay|你好|您好|在吗|在不在|哈喽|嗨|帮助|谢谢|多谢|好的|嗯|hi there|good (morning|afternoon|evening))[\s!！。.?？~～]*$/i;

/** Thanks ("thx!", "谢谢，搞定了", "thank you, that fixed it") with no question after them. */
const THANKS = /^\s*(?:thanks|thank you|thank u|thx|ty\b|cheers|谢谢|多谢|感谢|谢啦|3q)(?![^?？]*[?？])/i;

export function isThanks(text: string): boolean {
  return THANKS.test(text);
}

export function isSmallTalk(text: string): boolean {
  return GREETING.test(text.trim());
}
