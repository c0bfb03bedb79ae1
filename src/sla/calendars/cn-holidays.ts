/**
 * Public holidays of the People's Republic of China as announced each November by the General Office
 * of the State Council (国务院办公厅关于 YYYY 年部分节假日安排的通知), with the make-up working days
 * (调休上班) that pay for the long breaks. A new year needs a new entry: copy the notice's dates here.
 * Calendars built from this data know nothing before the first or after the last year listed.
 */
import { formatDate, parseDate } from '../zone.ts';

export interface HolidayPeriod {
  /** English name. */
  name: string;
  /** Name as written in the notice. */
  nameZh: string;
  /** First and last day off, inclusive, 'YYYY-MM-DD'. */
  from: string;
  to: string;
  /** Weekend days worked to make up for this break (调休上班). */
  makeUpWorkdays: string[];
}

export interface HolidaySchedule {
  year: number;
  /** The notice's document number. */
  notice: string;
  periods: HolidayPeriod[];
}

export const CN_HOLIDAY_SCHEDULES: readonly HolidaySchedule[] = [
  {
    year: 2025,
    notice: '国办发明电〔2024〕12号 (2024-11-12)',
    periods: [
      { name: "New Year's Day", nameZh: '元旦', from: '2025-01-01', to: '2025-01-01', makeUpWorkdays: [] },
      {
        name: 'Spring Festival',
        nameZh: '春节',
        from: '2025-01-28',
        to: '2025-02-04',
        makeUpWorkdays: ['2025-01-26', '2025-02-08'],
      },
      {
        name: 'Qingming Festival',
        nameZh: '清明节',
        from: '2025-04-04',
        to: '2025-04-06',
        makeUpWorkdays: [],
      },
      {
        name: 'Labour Day',
        nameZh: '劳动节',
        from: '2025-05-01',
        to: '2025-05-05',
        makeUpWorkdays: ['2025-04-27'],
      },
      {
        name: 'Dragon Boat Festival',
        nameZh: '端午节',
        from: '2025-05-31',
        to: '2025-06-02',
        makeUpWorkdays: [],
      },
      {
        name: 'National Day and Mid-Autumn Festival',
        nameZh: '国庆节、中秋节',
        from: '2025-10-01',
        to: '2025-10-08',
        makeUpWorkdays: ['2025-09-28', '2025-10-11'],
      },
    ],
  },
  {
    year: 2026,
    notice: '国办发明电〔2025〕7号 (2025-11-04)',
    periods: [
      {
        name: "New Year's Day",
        nameZh: '元旦',
        from: '2026-01-01',
        to: '2026-01-03',
        makeUpWorkdays: ['2026-01-04'],
      },
      {
        name: 'Spring Festival',
        nameZh: '春节',
        from: '2026-02-15',
        to: '2026-02-23',
        makeUpWorkdays: ['2026-02-14', '2026-02-28'],
      },
      {
        name: 'Qingming Festival',
        nameZh: '清明节',
        from: '2026-04-04',
        to: '2026-04-06',
        makeUpWorkdays: [],
      },
      {
        name: 'Labour Day',
        nameZh: '劳动节',
        from: '2026-05-01',
        to: '2026-05-05',
        makeUpWorkdays: ['2026-05-09'],
      },
      {
        name: 'Dragon Boat Festival',
        nameZh: '端午节',
        from: '2026-06-19',
        to: '2026-06-21',
        makeUpWorkdays: [],
      },
      {
        name: 'Mid-Autumn Festival',
        nameZh: '中秋节',
        from: '2026-09-25',
        to: '2026-09-27',
        makeUpWorkdays: [],
      },
      {
        name: 'National Day',
        nameZh: '国庆节',
        from: '2026-10-01',
        to: '2026-10-07',
        makeUpWorkdays: ['2026-09-20', '2026-10-10'],
      },
    ],
  },
];

/** Years the data covers. */
export const CN_HOLIDAY_YEARS: readonly number[] = CN_HOLIDAY_SCHEDULES.map((s) => s.year);

function daysOf(period: HolidayPeriod): string[] {
  const out: string[] = [];
  const last = parseDate(period.to)!;
  for (let day = parseDate(period.from)!; day <= last; day++) out.push(formatDate(day));
  return out;
}

/** Every day off (weekends inside a break included), 'YYYY-MM-DD', in order. */
export const CN_HOLIDAYS: readonly string[] = CN_HOLIDAY_SCHEDULES.flatMap((s) => s.periods.flatMap(daysOf));

/** Every make-up working day, 'YYYY-MM-DD', in order. */
export const CN_WORKDAYS: readonly string[] = CN_HOLIDAY_SCHEDULES.flatMap((s) =>
  s.periods.flatMap((p) => p.makeUpWorkdays),
).sort();
