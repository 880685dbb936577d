/** Everything that reads time takes a Clock, so tests move time instead of waiting for it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
