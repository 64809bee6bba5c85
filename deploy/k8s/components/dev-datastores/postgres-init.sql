-- One database per service (run once, when the data directory is first initialised).
CREATE DATABASE auth;
CREATE DATABASE images;
