WITH top_films AS (
  SELECT f.film_id, f.title, count(*) AS rentals
  FROM film f
  JOIN inventory i ON i.film_id = f.film_id
  JOIN rental r ON r.inventory_id = i.inventory_id
  GROUP BY f.film_id, f.title
  ORDER BY rentals DESC
  LIMIT 10
)
SELECT t.title, a.first_name, a.last_name, t.rentals
FROM top_films t
JOIN film_actor fa USING (film_id)
JOIN actor a ON a.actor_id = fa.actor_id
ORDER BY t.rentals DESC, a.last_name
