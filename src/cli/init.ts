// Placeholder until the `init` command lands; replaced by its owner.
import type { Register } from './command.js';

export const register: Register = () => {};
