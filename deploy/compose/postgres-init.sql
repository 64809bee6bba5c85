-- One database per service. The official image runs this once, when it initialises an empty
-- data volume, as POSTGRES_USER (who therefore owns both databases).
CREATE DATABASE auth;
CREATE DATABASE images;
