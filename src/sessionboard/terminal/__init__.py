"""The embedded terminal: byte transports (SSH, vsay WebSocket), the VT emulator, the widget."""
