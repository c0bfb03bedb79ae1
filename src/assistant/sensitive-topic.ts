/**
 * Medical and harassment matters are sensitive whatever their category (DESIGN §7): only a masked
 * summary may appear in channels.
 */
import type { SensitiveTopic } from '../tickets/sensitivity.ts';
import { CONDUCT } from '../triage/conduct.ts';

const MEDICAL =
  /病假|生病|住院|手术|医院|诊断|怀孕|流产|抑郁|心理|体检报告|medical|sick note|diagnos|hospital|surgery|pregnan|mental health|therapy/i;
/** A person's conduct (triage's CONDUCT), and threats or hostility, which are sensitive too. */
const HARASSMENT = new RegExp(`${CONDUCT.source}|威胁|hostile`, 'i');

export function sensitiveTopic(text: string): SensitiveTopic | undefined {
  if (HARASSMENT.test(text)) return 'harassment';
  if (MEDICAL.test(text)) return 'medical';
  return undefined;
}
