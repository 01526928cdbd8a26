import { MAC_ATTRIBUTE } from "./messageAuthentication.js";

/**
 * The SQS message attributes this product writes and reads, in one place: the authentication
 * code, the count of waits, and the reason a dead letter carries.
 */

/** How many times the message came back as a new message to wait for another attempt's lease (a Number attribute). */
export const WAITS_ATTRIBUTE = "s3mWaits";

/** The attributes a dead letter carries: why it is there, and the message it was. */
export const DEAD_LETTER_ATTRIBUTES = { code: "errorCode", reason: "errorMessage", originalMessageId: "originalMessageId" } as const;

/** The names a receive asks for. */
export const RECEIVED_ATTRIBUTES = [MAC_ATTRIBUTE, WAITS_ATTRIBUTE];

/** What of a received message's attributes the worker reads. */
export interface OurAttributes {
  readonly mac?: string;
  /** 0 when absent or not a whole number. */
  readonly waits: number;
}

/** Reads our attributes through `value` (the Lambda event's `stringValue`, ReceiveMessage's `StringValue`). */
export function readOurAttributes(value: (name: string) => string | undefined): OurAttributes {
  const mac = value(MAC_ATTRIBUTE);
  const waits = Number(value(WAITS_ATTRIBUTE) ?? 0);
  return { ...(mac === undefined ? {} : { mac }), waits: Number.isInteger(waits) && waits > 0 ? waits : 0 };
}

/** The count of waits as an attribute (none for 0). */
export function waitsAttributes(waits: number): Record<string, { DataType: "Number"; StringValue: string }> {
  return waits > 0 ? { [WAITS_ATTRIBUTE]: { DataType: "Number", StringValue: String(waits) } } : {};
}

/** Bytes SQS counts for the waits attribute at most (name, type, up to 10 digits). */
export const WAITS_ATTRIBUTE_BYTES = WAITS_ATTRIBUTE.length + "Number".length + 10;
