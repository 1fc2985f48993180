/**
 * The proven decision model, version 1: its architecture and fixed-point arithmetic, in one place.
 * The circuit (src/circom/model-policy.circom) and the TypeScript twin (evaluate-model.ts) both
 * follow this; change one and the other together, then rerun the ceremony.
 *
 * Inputs: eight integer features of the window, the agent's position and the adviser's bias,
 * each clipped to [-127, 127] (features.ts). A hidden layer of H = 16 units:
 *   pre_j = Σ_i W1[j][i]·x_i + 16·b1[j],  h_j = min(127, max(0, ⌊pre_j / 16⌋))
 * and two outputs (direction and size):
 *   o_k = Σ_j W2[k][j]·h_j + 16·b2[k]
 * Every weight and bias is an int8 in [-128, 127]. The model's trade:
 *   BUY if o_0 > DIRECTION_MARGIN, SELL if o_0 < −DIRECTION_MARGIN, else HOLD;
 *   size percent = min(100, max(1, ⌊o_1 / 16⌋)) of the room (cap − position for BUY, the position
 *   for SELL), rounded down to whole base units.
 * The executed trade is the policy applied to the model's: a BUY outside the band's BUY zone, a
 * SELL outside its SELL zone, or a size of 0 becomes HOLD. So the trade is compliant by
 * construction, and the proof says it is exactly what the committed model computed.
 */

/** Window length (the policy's N). */
export const MODEL_WINDOW = 30;
/** Input features (features.ts lists them). */
export const MODEL_FEATURES = 8;
/** Hidden units. */
export const MODEL_HIDDEN = 16;
/** Outputs: direction, size. */
export const MODEL_OUTPUTS = 2;
/** Every rescale divides by 2^4. */
export const MODEL_SHIFT = 4n;
export const MODEL_SCALE = 1n << MODEL_SHIFT;
/** Features are clipped to ±127; hidden activations to [0, 127]. */
export const FEATURE_CLIP = 127n;
export const HIDDEN_CLIP = 127n;
/** |direction| must exceed this for the model to trade (in output units: 4 × 16). */
export const DIRECTION_MARGIN = 64n;
/** The adviser's bias: an integer in [-100, 100]. */
export const ADVICE_LIMIT = 100n;

/** Weights and biases in the order they are packed and committed. */
export const WEIGHT_COUNT = MODEL_HIDDEN * MODEL_FEATURES + MODEL_HIDDEN + MODEL_OUTPUTS * MODEL_HIDDEN + MODEL_OUTPUTS;
/** int8 weights as bytes (w + 128), 31 bytes per field element (248 bits < the field). */
export const BYTES_PER_LIMB = 31;
export const WEIGHT_LIMBS = Math.ceil(WEIGHT_COUNT / BYTES_PER_LIMB);
/**
 * The architecture's identity, the first input of the model commitment: "zkmlp" ‖ version 1 ‖
 * F ‖ H ‖ outputs. Weights of another shape or arithmetic commit to another value.
 */
export const MODEL_ARCHITECTURE_ID =
  (0x7a6b6d6c70n << 40n) |
  (1n << 24n) |
  (BigInt(MODEL_FEATURES) << 16n) |
  (BigInt(MODEL_HIDDEN) << 8n) |
  BigInt(MODEL_OUTPUTS);

/** A quantized model: every value an integer in [-128, 127]. */
export interface QuantizedModel {
  /** W1[j][i]: hidden unit j, feature i. */
  w1: bigint[][];
  b1: bigint[];
  /** W2[k][j]: output k, hidden unit j. */
  w2: bigint[][];
  b2: bigint[];
}
