;; Riemann stream of scale_policy_type (see plugin.yaml in this folder).
;;
;; The manager renders this file once per group policy, replacing the
;; {{...}} placeholders with the policy's properties, and feeds it the
;; metric events of the group's members. One event source (`:host`) is one
;; instance of the workload, so the number of sources seen in the window is
;; the current instance count.

(let [last-fired (atom 0)]
  (where (service #"{{service_selector}}")
    (moving-time-window {{moving_window_size}}
      (fn [events]
        (let [by-source (group-by :host events)
              instances (count by-source)
              means     (for [[_ evs] by-source]
                          (/ (reduce + (map :metric evs)) (count evs)))
              average   (if (pos? instances) (/ (reduce + means) instances) 0)
              now       (unix-time)]
          (when (and (pos? instances)
                     ({{scale_direction}} {{scale_threshold}} average)
                     ({{scale_direction}} instances {{scale_limit}})
                     (> (- now @last-fired) {{cooldown_time}}))
            (reset! last-fired now)
            (process-policy-triggers (last events))))))))
