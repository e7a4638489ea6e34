// Preloaded with `node --import` into a child process running a shipped bundle: its clock runs
// MAILDESK_CLOCK_SHIFT_MS ahead (the bundle is unchanged; the sweep sees deadlines pass).
const shift = Number(process.env.MAILDESK_CLOCK_SHIFT_MS ?? 0);
if (shift) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + shift);
      else super(...args);
    }
    static now() {
      return RealDate.now() + shift;
    }
  }
  globalThis.Date = ShiftedDate;
}
