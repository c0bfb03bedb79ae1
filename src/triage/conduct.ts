/**
 * Harassment, bullying or discrimination at work: an HR matter about a person, not information
 * security (DESIGN §4 has no category for it: `other`). Not "威胁"/"threat": 安全威胁 is security.
 */
export const CONDUCT =
  /骚扰|霸凌|欺凌|歧视|harass|bully|bullied|discriminat|inappropriate (?:comment|touch|joke)/i;
