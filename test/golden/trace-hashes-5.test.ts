// Golden trace hashes, part 5: see trace-hashes-part.ts.
import { goldenHashesPart } from './trace-hashes-part.ts';

goldenHashesPart(5);
