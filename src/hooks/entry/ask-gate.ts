/**
 * PreToolUse hook for AskUserQuestion (hooks/hooks.json): inside an overnight session, denies with
 * guidance to decide, document and continue, and records the question in `deferred/`.
 */
import { decideAsk } from '../ask.js';
import { runGate } from '../gate.js';

void runGate((input, context) => decideAsk(input, context));
