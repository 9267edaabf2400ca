/** Every command's `register` function, in the order `overnight --help` lists them. */
import type { Command } from 'commander';
import { register as status } from './status.js';
import { register as dashboard } from './dashboard.js';
import { register as report } from './report.js';
import { register as demo } from './demo.js';
import { register as skillContext } from './skill-context.js';
import { register as prepare } from './prepare.js';
import { register as add } from './add.js';
import { register as doctor } from './doctor.js';
import { register as launch } from './launch.js';
import { register as start } from './start.js';
import { register as schedule } from './schedule.js';
import { register as resume } from './resume.js';
import { register as retry } from './retry.js';
import { register as abandon } from './abandon.js';
import { register as gate } from './gate.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  prepare,
  launch,
  start,
  schedule,
  resume,
  retry,
  abandon,
  add,
  gate,
  doctor,
  status,
  dashboard,
  report,
  demo,
  skillContext,
];
