import { formatConfig, maskedConfig } from '../../config/print.ts';
import { cliConfig } from '../context.ts';
import { type Command, HELP } from './command.ts';

export const config: Command = {
  usage: 'helpline config [--json]',
  options: { ...HELP, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const c = cliConfig({});
    io.out(values.json ? JSON.stringify(maskedConfig(c), null, 2) : formatConfig(c));
    return 0;
  },
};
