/** Every command's `register` function, in the order `overnight --help` lists them. */
import type { Command } from 'commander';
import { register as status } from './status.js';
import { register as report } from './report.js';
import { register as demo } from './demo.js';
import { register as prepare } from './prepare.js';
import { register as add } from './add.js';
import { register as doctor } from './doctor.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  prepare,
  add,
  doctor,
  status,
  report,
  demo,
];
