"""The TwiML interpreter: a call leg following TwiML verb by verb as Twilio does (TWILIO_NOTES.md),
driven by the engine; what the simulated party does comes from its script (`scripts`)."""
