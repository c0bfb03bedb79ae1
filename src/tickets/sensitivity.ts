/**
 * Which tickets are sensitive (DESIGN §7): payroll and security by category, medical and harassment
 * when the caller says so, or any ticket someone flags. Sensitive tickets show only a masked summary
 * in channels.
 */
export type SensitiveTopic = 'medical' | 'harassment';

const SENSITIVE_CATEGORIES: readonly string[] = ['payroll', 'security'];

export function sensitivity(
  category: string,
  options: { sensitive?: boolean; topic?: SensitiveTopic } = {},
): { sensitive: boolean; reason: string | null } {
  if (options.topic) return { sensitive: true, reason: options.topic };
  if (SENSITIVE_CATEGORIES.includes(category)) return { sensitive: true, reason: category };
  if (options.sensitive) return { sensitive: true, reason: 'flagged' };
  return { sensitive: false, reason: null };
}
