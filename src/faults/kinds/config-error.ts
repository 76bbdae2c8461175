/**
 * `config-error`: the node restarts with a wrong setting (a bad deploy, a typo in a config
 * file). With `set`, the named design parameters take the given values (e.g. a wrong
 * priority, a timeout off by 1000x); without it, the node is configured with a wrong peer
 * address, so it never reaches the other nodes while clients still reach it. When the fault
 * ends the configuration is fixed and the process restarted again.
 */
import { InputError } from '../../sim/input-error.ts';
import type { ParamValues } from '../../world/design.ts';
import { parseParam } from '../../world/params.ts';
import { optional, paramOverrides, type At, type ParamOverrides } from '../fields.ts';
import { defineKind, type DesignParamsView } from '../kind.ts';

export default defineKind({
  kind: 'config-error',
  description: 'configuration error: the node restarts with a wrong setting (default: a wrong peer address)',
  example: '{ at: 30s, kind: config-error, target: standby, set: { priority: 200 }, for: 60s }',
  target: 'required',
  fields: {
    set: optional(paramOverrides, 'design parameters and their wrong values; absent: a wrong peer address'),
  },
  checkDesign: (fault, view, at) => {
    if (fault.set && view.design) resolveOverrides(fault.set, view.design, at);
  },
  plan: ({ world, fault, nodes, where }) => {
    const overrides = fault.set && resolveOverrides(fault.set, world.design, where);
    const layers = new Map<string, ParamValues>();
    const describe = overrides ? Object.entries(fault.set!).map(([k, v]) => `${k}=${v}`).join(', ') : 'wrong peer address';
    return {
      detail: `restarted with ${describe}`,
      begin: () => {
        for (const id of nodes) {
          const node = world.node(id);
          if (overrides) layers.set(id, node.overrideConfig(overrides));
          else node.misconfigurePeer();
          node.restartProcess(`restarted with a configuration error (${describe})`);
        }
      },
      end: () => {
        for (const id of nodes) {
          const node = world.node(id);
          if (overrides) node.restoreConfig(layers.get(id)!);
          else node.fixPeer();
          node.restartProcess('restarted with the configuration fixed');
        }
      },
    };
  },
});

/** Checks each overridden parameter against the design and resolves its value. */
function resolveOverrides(set: ParamOverrides, design: DesignParamsView, at: At): ParamValues {
  const values: ParamValues = {};
  for (const [name, raw] of Object.entries(set)) {
    const spec = design.params[name];
    const field = `${at.field}.set.${name}`;
    if (!spec) {
      const known = Object.keys(design.params);
      throw new InputError(at.source, field, `a parameter of ${design.name} (${known.length ? known.join(', ') : 'it has none'})`);
    }
    values[name] = parseParam(spec, raw, at.source, field);
  }
  return values;
}
