// The name a person gives a dataset or a run (rename): trimmed, not empty, at most 200
// characters, the same rule for both so the screens and the CLI say the same thing.

import { z } from 'zod';

export const displayNameSchema = z.string().trim().min(1, 'a name cannot be empty').max(200);
