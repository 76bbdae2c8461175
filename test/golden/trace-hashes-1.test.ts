// Golden trace hashes, part 1: see trace-hashes-part.ts.
import { goldenHashesPart } from './trace-hashes-part.ts';

goldenHashesPart(1);
