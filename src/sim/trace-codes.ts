/**
 * The kinds of trace entry, in one table so two layers never mix the same code into the hash
 * for different things. Each entry is `(time, kind, a, b, c)`; the columns say what a, b, c are.
 * Changing a code changes every trace hash (the golden hashes show it).
 *
 *   code  kind            a                 b                 c
 *    2    message drop    sender index      receiver index    message type id
 *    3    message deliver sender index      receiver index    message type id
 *    4    TCP reset       dead end's index  receiver index    0
 *    5    retransmitted   sender index      receiver index    message type id
 *   10    timer fires     node index        0                 timer kind id
 *   20    role declared   node index        role(@scope) id   epoch
 *   21    node state      node index        state id          0
 *   22    process state   node index        process:state id  0
 *   30    fault begins    fault id          fault kind id     targets id
 *   31    fault ends      fault id          fault kind id     targets id
 *   32    fault skipped   fault id          fault kind id     targets id (empty)
 */
export const TRACE_DROP = 2;
export const TRACE_DELIVER = 3;
export const TRACE_RESET = 4;
export const TRACE_RETRANSMIT = 5;
export const TRACE_TIMER = 10;
export const TRACE_ROLE = 20;
export const TRACE_NODE_STATE = 21;
export const TRACE_PROCESS_STATE = 22;
export const TRACE_FAULT_BEGIN = 30;
export const TRACE_FAULT_END = 31;
export const TRACE_FAULT_SKIPPED = 32;
