/**
 * Medical and harassment matters are sensitive whatever their category (DESIGN §7): only a masked
 * summary may appear in channels.
 */
import type { SensitiveTopic } from '../tickets/sensitivity.ts';

const MEDICAL =
  /病假|生病|住院|手术|医院|诊断|怀孕|流产|抑郁|心理|体检报告|medical|sick note|diagnos|hospital|surgery|pregnan|mental health|therapy/i;
const HARASSMENT =
  /骚扰|性骚扰|霸凌|欺凌|歧视|威胁|harass|bully|discriminat|inappropriate (comment|touch|joke)|hostile/i;

export function sensitiveTopic(text: string): SensitiveTopic | undefined {
  if (HARASSMENT.test(text)) return 'harassment';
  if (MEDICAL.test(text)) return 'medical';
  return undefined;
}
