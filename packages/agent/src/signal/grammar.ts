/**
 * The GBNF grammar the model generates under. It admits exactly:
 *   {"action":"BUY"|"SELL"|"HOLD","sizePct":0..100,"confidence":0.00..1.00}
 * JSON-schema `integer`/`number` would admit exponents, negatives and huge values; these
 * bounded digit rules cannot express them. The output is still validated after parsing.
 */
export const SIGNAL_GRAMMAR = String.raw`root ::= "{\"action\":\"" action "\",\"sizePct\":" pct ",\"confidence\":" confidence "}"
action ::= "BUY" | "SELL" | "HOLD"
pct ::= [0-9] | [1-9] [0-9] | "100"
confidence ::= "0." [0-9] [0-9] | "1.00"`;
