/**
 * The workspace's actions come from the lifecycle (src/tickets/lifecycle.ts): the table written into
 * the console page offers exactly what the server accepts for each status and tier.
 */
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ACTIONS, workspaceActions } from '../../src/console/allowed-actions.ts';
import { allowedActions } from '../../src/tickets/lifecycle.ts';

describe('workspace actions', () => {
  it('offers Claim only while waiting for an engineer, Reopen only once resolved or closed', () => {
    expect(workspaceActions({ status: 'waiting_l2', tier: 'L2' })).toEqual([
      'claim',
      'escalate',
      'resolve',
      'override',
      'wait',
      'reply',
      'note',
    ]);
    expect(workspaceActions({ status: 'claimed', tier: 'L2' })).toEqual([
      'escalate',
      'resolve',
      'override',
      'wait',
      'reply',
      'note',
    ]);
    expect(workspaceActions({ status: 'waiting_employee', tier: 'L3' })).toEqual([
      'escalate',
      'resolve',
      'override',
      'reply',
      'note',
    ]);
    for (const status of ['resolved', 'closed'] as const) {
      expect(workspaceActions({ status, tier: 'L2' })).toEqual(['reopen', 'reply', 'note']);
    }
    // The top tier has nowhere to escalate to.
    expect(workspaceActions({ status: 'claimed', tier: 'manager' })).not.toContain('escalate');
  });

  it('agrees with the lifecycle for every status and tier', () => {
    const lifecycle = {
      claim: 'claim',
      escalate: 'escalate',
      resolve: 'resolve',
      reopen: 'reopen',
      override: 'override_severity',
    } as const;
    for (const [status, tiers] of Object.entries(WORKSPACE_ACTIONS)) {
      for (const [tier, actions] of Object.entries(tiers)) {
        const allowed = allowedActions({ status, tier } as Parameters<typeof allowedActions>[0]);
        for (const [action, type] of Object.entries(lifecycle)) {
          expect({ status, tier, action, offered: actions.includes(action as never) }).toEqual({
            status,
            tier,
            action,
            offered: allowed.includes(type),
          });
        }
      }
    }
  });
});
