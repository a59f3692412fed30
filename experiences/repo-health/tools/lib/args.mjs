// Checks for the tool args the engine does not type (it validates `inputs`, not a node's own args).

/**
 * Returns `value` when it is a whole number ≥ 1.
 * @param {string} name the arg, for the error
 * @param {unknown} value
 * @returns {number}
 * @throws {Error} naming the arg and the value otherwise
 */
export function positiveInt(name, value) {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return value;
}
