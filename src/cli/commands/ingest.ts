import { cliConfig, cliKb } from '../context.ts';
import { type Command, HELP, KB } from './command.ts';

export const ingest: Command = {
  usage: 'helpline ingest [--kb DIR] [--json]',
  options: { ...HELP, ...KB, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const config = cliConfig(values);
    const { summary, dir, vectors, kb } = await cliKb(config, io, {
      dir: values.kb as string | undefined,
      summary: !values.json,
    });
    // Dense vectors (with an embedding model): what the sync wrote to the vector index.
    const synced = vectors && {
      index: vectors.index.label,
      upserted: vectors.sync.upserted,
      deleted: vectors.sync.deleted,
      unchanged: vectors.sync.unchanged,
    };
    // Search by meaning (English, the shipped encoder): windows of English passages.
    const meaning = kb.meaningStats();
    if (values.json)
      io.out(
        JSON.stringify(
          { dir, ...summary, ...(synced ? { vectors: synced } : {}), ...(meaning ? { meaning } : {}) },
          null,
          2,
        ),
      );
    else {
      if (synced)
        io.err(
          `Vectors (${synced.index}): ${synced.upserted} written, ${synced.deleted} deleted, ${synced.unchanged} unchanged.`,
        );
      if (meaning)
        io.err(
          `Search by meaning (English): ${meaning.windows} windows, ${meaning.encoded} encoded now, the rest from the cache.`,
        );
    }
    return summary.passages > 0 ? 0 : 1;
  },
};
