package api

import "net/http"

func (s *Server) getPayment(w http.ResponseWriter, r *http.Request) {
	p, err := s.payments.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// dispatch hands pending shipments to the carriers now rather than at the
// dispatcher's next round.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	n, err := s.shipping.DispatchPending(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"dispatched": n})
}

// remindCarts runs a round of abandoned-cart reminders now.
func (s *Server) remindCarts(w http.ResponseWriter, r *http.Request) {
	n, err := s.reminder.RunOnce(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"reminded": n})
}
