// What a jest user adds to a setup file: the report matchers on jest's expect.
import { expect } from '@jest/globals';
import { chaosMatchers } from 'kubechaos';

expect.extend(chaosMatchers);
