SELECT E'\'(((', $x$ ((( $x$, U&"(((" /* ( /* ( */ */ -- (((
FROM "weird ""name"""