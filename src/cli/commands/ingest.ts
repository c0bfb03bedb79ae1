import { cliConfig, cliKb } from '../context.ts';
import { type Command, HELP, KB } from './command.ts';

export const ingest: Command = {
  usage: 'helpline ingest [--kb DIR] [--json]',
  options: { ...HELP, ...KB, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const config = cliConfig(values);
    const { summary, dir } = await cliKb(config, io, {
      dir: values.kb as string | undefined,
      summary: !values.json,
    });
    if (values.json) io.out(JSON.stringify({ dir, ...summary }, null, 2));
    return summary.passages > 0 ? 0 : 1;
  },
};
