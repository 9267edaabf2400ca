/**
 * PreToolUse hook for AskUserQuestion (hooks/hooks.json): inside an overnight session, denies with
 * guidance to decide, document and continue, and records the question in `deferred/`.
 */
import { decideAsk } from '../ask.js';
import { runGate } from '../gate.js';
import { warmUpPolicy } from '../warm-up.js';

void runGate((input, context) => decideAsk(input, context));

/** Compiles the policy's question path before the loader writes the code cache. */
export const warmUp = (): void => warmUpPolicy(['AskUserQuestion']);
