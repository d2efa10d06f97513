"""The first hour: `hotline demo` (a call that reaches an agent at any hour) and the always-open calendar."""
