"""The sandbox REST server: Twilio's REST API over real HTTP (`server`, `api`) on what the network
holds (`state`), and the live simulator's control endpoints (`control`)."""
