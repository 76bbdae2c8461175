// Golden trace hashes, part 6: see trace-hashes-part.ts.
import { goldenHashesPart } from './trace-hashes-part.ts';

goldenHashesPart(6);
