import { smokeTest } from './smoke.ts';

smokeTest(0);
